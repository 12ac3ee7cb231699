// Seeded: every specifier is a type, but this form leaves `import '../shared/message-schema.ts'` behind.
import { type Message } from '../shared/message-schema.ts';

export const describe = (message: Message) => message.text;
