/** The token of an `Authorization: Bearer <token>` header value; undefined when there is none. */
export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ \t]+(\S{1,1024})[ \t]*$/i.exec(header);
  return match?.[1];
}
