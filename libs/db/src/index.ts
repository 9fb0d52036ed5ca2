export * from './database.module';
export * from './pg-pool';
export * from './prisma.service';
export * from './erasure.repository';
export * from './form-submission.repository';
export * from './journey.repository';
export * from './touchpoint.repository';
export * from './visitor-gone.error';
