import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { type ApiTokenPage, type ApiTokenView, type CreatedApiTokenView, type CreateTokenBody, createTokenSchema, OPERATIONS, type PageQuery, tokenListQuerySchema } from '@flotilla/api';
import { Actor } from '../common/actor.decorator.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { ApiOperationOf } from '../openapi/api-operation-of.js';
import { toApiTokenView } from './api-token-view.js';
import { ApiTokensService } from './api-tokens.service.js';
import { RequireRole } from './require-role.decorator.js';

/** /api/v1/tokens: REST API tokens and their roles (admin only). */
@RequireRole('admin')
@Controller('api/v1/tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Post()
  @ApiOperationOf(OPERATIONS.createApiToken)
  async create(@Body(new ZodPipe(createTokenSchema)) body: CreateTokenBody, @Actor() actor: string): Promise<CreatedApiTokenView> {
    const { token, secret } = await this.tokens.create(body, actor);
    return { ...toApiTokenView(token), token: secret };
  }

  @Get()
  @ApiOperationOf(OPERATIONS.listApiTokens)
  async list(@Query(new ZodPipe(tokenListQuerySchema, 'query')) query: PageQuery): Promise<ApiTokenPage> {
    const page = await this.tokens.list(query);
    return { ...page, items: page.items.map(toApiTokenView) };
  }

  @Get(':name')
  @ApiOperationOf(OPERATIONS.getApiToken)
  async get(@Param('name') name: string): Promise<ApiTokenView> {
    return toApiTokenView(await this.tokens.get(name));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperationOf(OPERATIONS.deleteApiToken)
  async remove(@Param('name') name: string, @Actor() actor: string): Promise<void> {
    await this.tokens.remove(name, actor);
  }
}
