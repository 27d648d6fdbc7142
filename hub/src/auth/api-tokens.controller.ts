import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Actor } from '../common/actor.decorator.js';
import { ApiZodBody } from '../common/openapi.js';
import { pageQuerySchema } from '../common/page.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { toApiTokenView } from './api-token-view.js';
import { type CreateTokenBody, createTokenSchema } from './api-tokens.schemas.js';
import { ApiTokensService } from './api-tokens.service.js';
import { RequireRole } from './require-role.decorator.js';

/** /api/v1/tokens: REST API tokens and their roles (admin only). */
@ApiTags('tokens')
@RequireRole('admin')
@Controller('api/v1/tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API token with a role (viewer, operator, admin); the answer holds the token, shown only this once' })
  @ApiZodBody(createTokenSchema)
  async create(@Body(new ZodPipe(createTokenSchema)) body: CreateTokenBody, @Actor() actor: string) {
    const { token, secret } = await this.tokens.create(body, actor);
    return { ...toApiTokenView(token), token: secret };
  }

  @Get()
  @ApiOperation({ summary: 'List API tokens (never the tokens themselves)' })
  async list(@Query(new ZodPipe(pageQuerySchema, 'query')) query: z.infer<typeof pageQuerySchema>) {
    const page = await this.tokens.list(query);
    return { ...page, items: page.items.map(toApiTokenView) };
  }

  @Get(':name')
  @ApiOperation({ summary: 'Get an API token' })
  async get(@Param('name') name: string) {
    return toApiTokenView(await this.tokens.get(name));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API token at once (not the last admin token)' })
  async remove(@Param('name') name: string, @Actor() actor: string): Promise<void> {
    await this.tokens.remove(name, actor);
  }
}
