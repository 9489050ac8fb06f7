import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { AccessTokensService } from 'src/auth/access-tokens.service';
import { AccountsService } from 'src/auth/accounts.service';
import {
  AccessTokenDto,
  AccountDto,
  ChangePasswordDto,
  ChangePasswordResponseDto,
  CreateAccessTokenDto,
  CreatedAccessTokenDto,
  LoginDto,
  LoginResponseDto,
  MessageResponseDto,
  RegisterDto,
  RegisterResponseDto,
  VerifyEmailQueryDto,
} from 'src/auth/auth.dto';
import { EmailVerificationService } from 'src/auth/email-verification.service';
import { LoginService } from 'src/auth/login.service';
import { publicBaseUrl } from 'src/auth/public-url';
import { clearSessionCookie, setSessionCookie } from 'src/auth/session-cookie';
import { AuthUser } from 'src/common/auth-user';
import { Auth, Public } from 'src/common/decorators/auth.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { BadRequestError } from 'src/common/errors/hub-error';
import { HubConfig } from 'src/config/hub-config';

const tokenIdPipe = new ParseIntPipe({
  exceptionFactory: () => new BadRequestError('token_id must be a whole number'),
});

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly logins: LoginService,
    private readonly tokens: AccessTokensService,
    private readonly emailVerification: EmailVerificationService,
    private readonly config: HubConfig,
  ) {}

  @Post('register')
  @Public()
  @ApiCreatedResponse({ type: RegisterResponseDto })
  register(@Body() body: RegisterDto, @Req() request: Request): Promise<RegisterResponseDto> {
    return this.accounts.register(body, publicBaseUrl(request, this.config));
  }

  /** Opens a web session: the JWT comes back in the body and as the `kohaku_session` cookie. */
  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts for this username or client address' })
  async login(
    @Body() body: LoginDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LoginResponseDto> {
    const result = await this.logins.login(body.username ?? body.email ?? '', body.password, {
      ip: request.ip ?? '',
      userAgent: request.headers['user-agent'],
    });
    setSessionCookie(response, result.token, this.config);
    return result;
  }

  @Post('logout')
  @Auth()
  @HttpCode(200)
  async logout(
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MessageResponseDto> {
    await this.logins.logout(user);
    clearSessionCookie(response, this.config);
    return { message: 'Logged out' };
  }

  @Get('me')
  @Auth()
  getMe(@CurrentUser() user: AuthUser): Promise<AccountDto> {
    return this.accounts.getAccount(user.id);
  }

  /** Needs the current password; signs out every other session of the account. */
  @Put('password')
  @Auth({ scope: 'write' })
  changePassword(
    @CurrentUser() user: AuthUser,
    @Body() body: ChangePasswordDto,
    @Req() request: Request,
  ): Promise<ChangePasswordResponseDto> {
    return this.logins.changePassword(user, body, request.ip ?? '');
  }

  /** Returns the secret once. Needs a session or a write token; a token cannot mint one with more rights than it has. */
  @Post('tokens/create')
  @Auth({ scope: 'write' })
  @ApiCreatedResponse({ type: CreatedAccessTokenDto })
  createAccessToken(@CurrentUser() user: AuthUser, @Body() body: CreateAccessTokenDto): Promise<CreatedAccessTokenDto> {
    return this.tokens.create(user, body);
  }

  @Get('tokens')
  @Auth()
  @ApiOkResponse({ type: [AccessTokenDto] })
  listAccessTokens(@CurrentUser() user: AuthUser): Promise<AccessTokenDto[]> {
    return this.tokens.list(user.id);
  }

  @Delete('tokens/:token_id')
  @Auth({ scope: 'write' })
  async revokeAccessToken(
    @CurrentUser() user: AuthUser,
    @Param('token_id', tokenIdPipe) tokenId: number,
  ): Promise<MessageResponseDto> {
    await this.tokens.revoke(user.id, tokenId);
    return { message: `Token ${tokenId} revoked` };
  }

  /** The link from the verification email. */
  @Get('verify-email')
  @Public()
  verifyEmail(@Query() query: VerifyEmailQueryDto): Promise<MessageResponseDto> {
    return this.emailVerification.verify(query.token);
  }

  @Post('resend-verification')
  @Auth()
  @HttpCode(200)
  resendVerification(@CurrentUser() user: AuthUser, @Req() request: Request): Promise<MessageResponseDto> {
    return this.emailVerification.resend(user.id, publicBaseUrl(request, this.config));
  }
}
