export const  badlySpaced = {a:1,
    b : 2}
