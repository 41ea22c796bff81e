/**
 * A problem the user can fix (a bad flag, config value or input file). The CLI prints its
 * message alone, without a stack trace, and exits with code 2.
 */
export class UserError extends Error {
  override name = "UserError";
}
