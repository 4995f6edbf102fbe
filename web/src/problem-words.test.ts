import { describe, expect, it } from 'vitest';
import { problemHeading } from './problem-words.ts';

describe('problem headings', () => {
  it('says what happened in plain words, not the HTTP reason phrase', () => {
    expect(problemHeading({ status: 403, title: 'Forbidden' })).toBe('Not allowed');
    expect(problemHeading({ status: 400, title: 'Bad Request' })).toBe('Please check what you entered');
    expect(problemHeading({ status: 422, title: 'Unprocessable Entity' })).toBe('Please check what you entered');
    expect(problemHeading({ status: 0, title: 'No connection' })).toBe('No connection');
    expect(problemHeading({ status: 503, title: 'Service Unavailable' })).toBe('Something went wrong on the hub');
    expect(problemHeading({ status: 418, title: "I'm a Teapot" })).toBe("I'm a Teapot");
  });
});
