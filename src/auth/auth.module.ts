import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HubAuthGuard } from 'src/auth/auth.guard';
import { MembershipRepository } from 'src/auth/membership.repository';
import { MembershipsService } from 'src/auth/memberships.service';
import { OrgMembershipEntity } from 'src/auth/org-membership.entity';
import { RequestAuthenticator } from 'src/auth/request-authenticator';
import { UserEntity } from 'src/auth/user.entity';
import { UserRepository } from 'src/auth/user.repository';
import { UsersService } from 'src/auth/users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, OrgMembershipEntity])],
  providers: [
    UserRepository,
    UsersService,
    MembershipRepository,
    MembershipsService,
    RequestAuthenticator,
    { provide: APP_GUARD, useClass: HubAuthGuard },
  ],
  exports: [RequestAuthenticator, UsersService, MembershipsService],
})
export class AuthModule {}
