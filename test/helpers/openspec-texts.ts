/** OpenSpec documents more than one test writes into a project. */

/** A valid main spec: `auth`, one requirement with one scenario. */
export const SIGN_IN_SPEC = [
  '# auth Specification',
  '',
  '## Purpose',
  'Signing in and out of the application, for every kind of account that the product supports.',
  '',
  '## Requirements',
  '### Requirement: Sign in',
  'The system SHALL let a user sign in with a password.',
  '',
  '#### Scenario: Right password',
  '- **WHEN** the password is right',
  '- **THEN** the user is signed in',
  '',
].join('\n')
