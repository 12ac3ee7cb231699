/**
 * A text's length as the providers count it. Every limit the sheets state "in characters" comes
 * from a JSON Schema `maxLength` or reads like one, and JSON Schema counts code points: an emoji
 * is one character, though JavaScript's `length` makes it two UTF-16 units. The composer's counter
 * and every check use this one function, so the number shown is the number checked.
 */
export function characterCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
