/** market composer words; merged into the one dictionary by ru.ts and en.ts. */
export const marketRu = {} as const;
export const marketEn: Record<keyof typeof marketRu, string> = {};
