/** diadoc composer words; merged into the one dictionary by ru.ts and en.ts. */
export const diadocRu = {} as const;
export const diadocEn: Record<keyof typeof diadocRu, string> = {};
