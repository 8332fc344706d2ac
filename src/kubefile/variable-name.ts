const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** ENV and ARG names end up as shell variables, so they must be valid ones. */
export function isVariableName(name: string): boolean {
  return VARIABLE_NAME.test(name);
}

export const VARIABLE_NAME_RULE = 'use letters, digits and "_", not starting with a digit';
