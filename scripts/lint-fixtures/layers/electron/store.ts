export const openDatabase = () => 'db';
