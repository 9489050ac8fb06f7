import { ApiProperty } from '@nestjs/swagger';

export class RootResponseDto {
  name!: string;
  version!: string;
  description!: string;
  /** Swagger UI. */
  docs!: string;
  /** OpenAPI document as JSON. */
  openapi!: string;
  health!: string;
}

export class VersionResponseDto {
  /** Identifies the server software; KohakuHub clients check it. */
  api!: string;
  version!: string;
  name!: string;
  /** The Hugging Face client protocol this server speaks. */
  compatibility!: string;
}

export type HealthState = 'ok' | 'failed';

export class HealthChecksDto {
  @ApiProperty({ enum: ['ok', 'failed'], enumName: 'HealthState' })
  database!: HealthState;
  @ApiProperty({ enum: ['ok', 'failed'], enumName: 'HealthState' })
  storage!: HealthState;
  @ApiProperty({ enum: ['ok', 'failed'], enumName: 'HealthState' })
  git!: HealthState;
}

export class HealthResponseDto {
  @ApiProperty({ enum: ['ok', 'failed'], enumName: 'HealthState' })
  status!: HealthState;
  checks!: HealthChecksDto;
}
