import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokenEntity } from 'src/auth/access-token.entity';
import { AccessTokenRepository } from 'src/auth/access-token.repository';
import { AccessTokensService } from 'src/auth/access-tokens.service';
import { AccountsService } from 'src/auth/accounts.service';
import { AdminBootstrap } from 'src/auth/admin-bootstrap';
import { AuthController } from 'src/auth/auth.controller';
import { HubAuthGuard } from 'src/auth/auth.guard';
import { EmailVerificationEntity } from 'src/auth/email-verification.entity';
import { EmailVerificationRepository } from 'src/auth/email-verification.repository';
import { EmailVerificationService } from 'src/auth/email-verification.service';
import { LoginService } from 'src/auth/login.service';
import { Mailer } from 'src/auth/mailer';
import { MembershipRepository } from 'src/auth/membership.repository';
import { MembershipsService } from 'src/auth/memberships.service';
import { OrgMembershipEntity } from 'src/auth/org-membership.entity';
import { PasswordHasher } from 'src/auth/password-hasher';
import { RateLimitEntity } from 'src/auth/rate-limit.entity';
import { RateLimitRepository } from 'src/auth/rate-limit.repository';
import { RateLimiter } from 'src/auth/rate-limiter';
import { ModeRegistrationGate, RegistrationGate } from 'src/auth/registration-gate';
import { RequestAuthenticator } from 'src/auth/request-authenticator';
import { SessionEntity } from 'src/auth/session.entity';
import { sessionJwtModuleOptions } from 'src/auth/session-jwt';
import { SessionRepository } from 'src/auth/session.repository';
import { SessionsService } from 'src/auth/sessions.service';
import { UserEntity } from 'src/auth/user.entity';
import { UserRepository } from 'src/auth/user.repository';
import { UsersService } from 'src/auth/users.service';
import { WhoamiController } from 'src/auth/whoami.controller';
import { WhoamiService } from 'src/auth/whoami.service';
import { HubConfig } from 'src/config/hub-config';
import { AvatarController } from 'src/auth/avatar.controller';
import { AvatarRepository } from 'src/auth/avatar.repository';
import { AvatarService } from 'src/auth/avatar.service';
import { SshKeyEntity } from 'src/auth/ssh-key.entity';
import { SshKeysController } from 'src/auth/ssh-keys.controller';
import { SshKeyRepository } from 'src/auth/ssh-keys.repository';
import { SshKeysService } from 'src/auth/ssh-keys.service';
import { UserSettingsController } from 'src/auth/user-settings.controller';
import { UserSettingsRepository } from 'src/auth/user-settings.repository';
import { UserSettingsService } from 'src/auth/user-settings.service';
import { ValidateController } from 'src/auth/validate.controller';
import { ValidateService } from 'src/auth/validate.service';
import { ImageModule } from 'src/image/image.module';
import { StorageModule } from 'src/storage/storage.module';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      UserEntity,
      OrgMembershipEntity,
      SessionEntity,
      AccessTokenEntity,
      EmailVerificationEntity,
      RateLimitEntity,
      SshKeyEntity,
    ]),
    ImageModule,
    StorageModule,
    JwtModule.registerAsync({
      inject: [HubConfig],
      useFactory: (config: HubConfig) => sessionJwtModuleOptions(config.secrets.sessionSecret),
    }),
  ],
  controllers: [
    AuthController,
    WhoamiController,
    AvatarController,
    SshKeysController,
    UserSettingsController,
    ValidateController,
  ],
  providers: [
    UserRepository,
    UsersService,
    MembershipRepository,
    MembershipsService,
    SessionRepository,
    AccessTokenRepository,
    EmailVerificationRepository,
    RateLimitRepository,
    PasswordHasher,
    RateLimiter,
    Mailer,
    SessionsService,
    AccessTokensService,
    LoginService,
    EmailVerificationService,
    AccountsService,
    WhoamiService,
    AdminBootstrap,
    { provide: RegistrationGate, useClass: ModeRegistrationGate },
    AvatarRepository,
    AvatarService,
    SshKeyRepository,
    SshKeysService,
    UserSettingsRepository,
    UserSettingsService,
    ValidateService,
    RequestAuthenticator,
    { provide: APP_GUARD, useClass: HubAuthGuard },
  ],
  exports: [
    RequestAuthenticator,
    UsersService,
    MembershipsService,
    AccountsService,
    AccessTokensService,
    Mailer,
    RateLimiter,
    RegistrationGate,
  ],
})
export class AuthModule {}
