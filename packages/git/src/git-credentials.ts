/**
 * HTTP Basic credentials for a Git server: a user name and a password or access token (GitHub and GitLab take
 * any user name with a token as the password). They travel in an Authorization header, never in a URL.
 */
export interface GitCredentials {
  readonly username: string;
  readonly password: string;
}
