/** The JSON body of every REST error: a stable code, a message for people, and details per field. */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: Record<string, unknown>;
  };
}
