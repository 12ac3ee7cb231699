// Allowed: the rules are plain data and their type import of the schema is erased.
import { isTooLong } from '../shared/message-rules.ts';
import type { Message } from '../shared/message-schema.ts';

export const tooLong = (message: Message) => isTooLong(message);
