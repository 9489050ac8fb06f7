import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from 'src/auth/auth.module';
import { RegistrationInvitations } from 'src/auth/registration-gate';
import { UserEntity } from 'src/auth/user.entity';
import { InvitationEntity } from 'src/org/invitation.entity';
import { InvitationRegistrations } from 'src/org/invitation-registrations';
import { InvitationRepository } from 'src/org/invitation.repository';
import { InvitationsController } from 'src/org/invitations.controller';
import { InvitationsService } from 'src/org/invitations.service';
import { OrgProfileRepository } from 'src/org/org-profile.repository';
import { OrgController } from 'src/org/org.controller';
import { OrgService } from 'src/org/org.service';

/** Organisations, their members and roles, and invitations. */
@Module({
  imports: [AuthModule, TypeOrmModule.forFeature([InvitationEntity, UserEntity])],
  controllers: [OrgController, InvitationsController],
  providers: [
    OrgService,
    OrgProfileRepository,
    InvitationRepository,
    InvitationsService,
    // Found by the registration gate of AuthModule at run time (see RegistrationInvitations).
    { provide: RegistrationInvitations, useClass: InvitationRegistrations },
  ],
  exports: [OrgService, InvitationsService],
})
export class OrgModule {}
