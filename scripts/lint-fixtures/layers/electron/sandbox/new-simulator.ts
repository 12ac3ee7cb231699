import { limits } from '../../shared/limits.ts';

export const simulator = limits;
