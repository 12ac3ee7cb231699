import { openDatabase } from '../electron/store.ts';

export const view = openDatabase;
