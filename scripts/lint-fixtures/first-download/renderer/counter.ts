// Seeded: the schema arrives through shared/limits.ts.
import { limits } from '../shared/limits.ts';

export const counter = (text: string) => `${text.length} / ${limits.textMax}`;
