/** One broken rule of a composer's message: the field, a dictionary reason, and the limit broken. */
export interface FieldProblem {
  field: string;
  reason: string;
  limit?: number;
}
