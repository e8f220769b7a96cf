// tcp_wrappers (hosts_access(5), hosts_options(5)) as the servers and the
// login policy use it. See ./patterns for the language, ./check for DNS.
export { admitClient } from './gate';
export { checkHostsAccess, peerMatchesClientList } from './check';
export { matchesClientList, hostInfo, PARANOID, UNKNOWN, type AccessRequest, type HostInfo } from './patterns';
export { decideAccess, type AccessVerdict } from './verdict';
export { accessTableProblems } from './lint';
export { parseAccessTable, type AccessRule, type AccessTable } from './table';
