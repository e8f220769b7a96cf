// The login layer as the protocol engines see it. See ./types for the contract.
export type { Account, LoginContext, SaslExchange, SaslStep, Service } from './types';
export { loginContext } from './context';
export { plaintextAllowed, saslMechanisms, nologinText } from './policy';
export { settlePlaintextHost } from './plaintext-hosts';
export { startSasl } from './sasl';
export { verifyPlaintext, verifyApop, failureDelay } from './verify';
export { apopTimestamp } from './apop';
export { becomeUser, preauthAccount, PrivilegeError } from './identity';
