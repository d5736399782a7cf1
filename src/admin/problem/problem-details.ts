/** One thing wrong with the request: where (dotted path, e.g. `trigger.dayOfWeek`) and what. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** RFC 9457 problem details, as every error response of the service is shaped. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Stable machine-readable code (the error class's `code`). */
  code: string;
  errors: FieldProblem[];
  /** The request path. */
  instance?: string;
  /** The x-request-id of the request, to find its log lines. */
  requestId?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem type URIs are `<base><code in kebab case>`; docs/api.md lists them. */
const PROBLEM_TYPE_BASE = 'urn:delayed-action-service:problem:';

export function problemType(code: string): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replace(/_/g, '-');
}
