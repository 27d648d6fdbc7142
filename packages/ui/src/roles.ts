import { ROLES, type Role } from '@flotilla/api';

/** Whether the signed-in role may use a control that needs `required` (the hub checks again; this hides what would fail). */
export function hasRoleInUi(granted: Role, required: Role): boolean {
  return ROLES.indexOf(granted) >= ROLES.indexOf(required);
}
