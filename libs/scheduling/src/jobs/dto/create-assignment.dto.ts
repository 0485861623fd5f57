import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { ASSIGNMENT_ROLES, AssignmentRole } from '../job-assignment.entity';

export class CreateAssignmentDto {
  @IsUUID()
  staffId: string;

  /** Default `team`; a job has at most one lead. */
  @IsOptional()
  @IsIn(ASSIGNMENT_ROLES)
  role?: AssignmentRole;

  /** Assign even though it overlaps the person's blocked slots (never overrides another job). */
  @IsOptional()
  @IsBoolean()
  override?: boolean;
}
