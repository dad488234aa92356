import { Subjects } from '@switchyard/contracts';

/** A request's content subject in the request log stream; base64url, as a request id may hold dots. */
export const contentSubject = (requestId: string): string =>
  `${Subjects.requestLogContent}.${Buffer.from(requestId).toString('base64url')}`;
