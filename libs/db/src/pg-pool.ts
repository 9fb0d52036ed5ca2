/** Injection token of the process's one pg Pool (shared by Prisma's adapter and raw-SQL repositories). */
export const PG_POOL = Symbol('PG_POOL');
