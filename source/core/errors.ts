/**
 * Errors every room may raise and every face knows how to show.
 */

/** Raised for requests that name something that does not exist or are malformed: callers exit non-zero. */
export class UsageError extends Error {
  override name = 'UsageError';
}
