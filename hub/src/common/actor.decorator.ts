import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** Who made a REST call, for the audit log: set by authentication on the request, else `anonymous`. */
export const Actor = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<{ actor?: string }>();
  return request.actor ?? 'anonymous';
});
