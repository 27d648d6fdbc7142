import { createSourceSchema, gitUrlSchema, updateSourceSchema } from '@flotilla/api';
import { validateGitUrl } from '@flotilla/git';

/**
 * The contract's Git URL, checked as the hub fetches (http(s) only, no credentials, query or fragment) and stored in
 * canonical form: lower-case scheme and host, no default port, no trailing slashes.
 */
const checkedGitUrl = gitUrlSchema
  .superRefine((value, ctx) => {
    try {
      validateGitUrl(value);
    } catch (error) {
      // The message names what is wrong (scheme, credentials, whitespace, query) and never repeats a password.
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  })
  .transform((value) => validateGitUrl(value));

/** Body of POST /api/v1/sources as the hub validates it. */
export const checkedCreateSourceSchema = createSourceSchema.extend({ url: checkedGitUrl });

/** Body of PATCH /api/v1/sources/{name} as the hub validates it. */
export const checkedUpdateSourceSchema = updateSourceSchema.extend({ url: checkedGitUrl.optional() });
