import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

export interface FieldProblem {
  field: string;
  message: string;
}

/** Flattens class-validator errors into `consent.ad_storage: must be one of ...`-style problems. */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: fieldMessage(field, message),
    }));
    return own.concat(fieldProblems(error.children ?? [], field));
  });
}

// class-validator says "property x should not exist" for unknown fields and "$property ..." otherwise;
// either way the message starts with the full dotted path of the field.
function fieldMessage(field: string, message: string): string {
  const unknown = /^property (\S+) should not exist$/.exec(message);
  if (unknown) return `${field} is not a known field`;
  const leaf = field.split('.').pop() ?? field;
  return message.startsWith(leaf) ? `${field}${message.slice(leaf.length)}` : `${field}: ${message}`;
}

/** A 400 whose body names every offending field. */
export function badRequest(problems: FieldProblem[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: problems.map((problem) => problem.message),
    fields: [...new Set(problems.map((problem) => problem.field))],
  });
}

/** Refuses bodies that are not JSON objects (arrays, strings, null) before field validation. */
class ObjectBodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (metadata.type === 'body' && metadata.metatype && !isObject) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'body: must be a JSON object',
        fields: ['body'],
      });
    }
    return super.transform(value, metadata);
  }
}

/** Strict validation for every DTO: unknown fields are refused, nothing is coerced. */
export function createValidationPipe(): ValidationPipe {
  return new ObjectBodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => badRequest(fieldProblems(errors)),
  });
}
