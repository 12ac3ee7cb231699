import type { Message } from './message-schema.ts';

export const textMax = 4096;
export const isTooLong = (message: Message) => message.text.length > textMax;
