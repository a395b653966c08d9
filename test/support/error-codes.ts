import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { LifelineErrorCode } from '../../src/core/errors/index.js';
import { projectRoot } from './typecheck.js';

/** The members of the `LifelineErrorCode` union, read from its declaration, in order. */
export function lifelineErrorCodes(): string[] {
  const file = join(projectRoot, 'src/core/errors/lifeline-error.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const alias = source.statements.find(
    (statement): statement is ts.TypeAliasDeclaration =>
      ts.isTypeAliasDeclaration(statement) && statement.name.text === 'LifelineErrorCode',
  );
  if (!alias || !ts.isUnionTypeNode(alias.type)) {
    throw new Error('LifelineErrorCode is no longer a union of string literals');
  }
  return alias.type.types.map((member) => {
    if (ts.isLiteralTypeNode(member) && ts.isStringLiteral(member.literal)) {
      return member.literal.text;
    }
    throw new Error(
      `LifelineErrorCode has a member that is no string literal: ${member.getText(source)}`,
    );
  });
}

/** The code of each class: users match on these, so they never change. */
export const errorCodeOf: Record<string, LifelineErrorCode> = {
  OptionTypeError: 'ERR_LIFELINE_INVALID_OPTION',
  OptionRangeError: 'ERR_LIFELINE_INVALID_OPTION',
  OutboxOverflowError: 'ERR_LIFELINE_OUTBOX_OVERFLOW',
  MessageTooLargeError: 'ERR_LIFELINE_MESSAGE_TOO_LARGE',
  InvalidDataError: 'ERR_LIFELINE_INVALID_DATA',
  ConnectionClosedError: 'ERR_LIFELINE_CLOSED',
  FatalCloseError: 'ERR_LIFELINE_FATAL_CLOSE',
  RetriesExhaustedError: 'ERR_LIFELINE_RETRIES_EXHAUSTED',
  SyncFailedError: 'ERR_LIFELINE_SYNC_FAILED',
  InboundFrameError: 'ERR_LIFELINE_INBOUND_FRAME',
  UserCallbackError: 'ERR_LIFELINE_CALLBACK',
  ResyncRequiredError: 'ERR_LIFELINE_RESYNC_REQUIRED',
};
