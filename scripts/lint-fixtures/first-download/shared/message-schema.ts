import { z } from 'zod';
import { textMax } from './message-rules.ts';

export const messageSchema = z.object({ text: z.string().max(textMax) });
export type Message = z.infer<typeof messageSchema>;
