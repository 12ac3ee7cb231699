/** pachca composer words; merged into the one dictionary by ru.ts and en.ts. */
export const pachcaRu = {} as const;
export const pachcaEn: Record<keyof typeof pachcaRu, string> = {};
