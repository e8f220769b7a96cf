# Every command Python's imaplib has, against imapd on 127.0.0.1:PORT, as
# USER with PASSWORD. Prints one JSON object: command name -> [status, data]
# (bytes as latin-1 text), or "error: ..." when imaplib raised. The test
# (test/interop/imap-imaplib.test.ts) judges the answers.
import imaplib
import json
import ssl
import sys

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
results = {}
MESSAGE = (b"From: Py <py@example.com>\r\nSubject: from imaplib\r\nDate: Wed, 3 Jan 2024 12:00:00 +0000\r\n"
           b"\r\nBytes: \xe9\xe8 and a NUL-free body.\r\n")


def text(value):
    if isinstance(value, bytes):
        return value.decode('latin-1')
    if isinstance(value, (list, tuple)):
        return [text(item) for item in value]
    return value


def run(name, call, *args, **kwargs):
    try:
        typ, data = call(*args, **kwargs)
        results[name] = [typ, text(data)]
    except imaplib.IMAP4.error as error:
        results[name] = 'error: ' + str(error)


tls = ssl.create_default_context()
tls.check_hostname = False
tls.verify_mode = ssl.CERT_NONE

imap = imaplib.IMAP4('127.0.0.1', port)
run('capability', imap.capability)
run('noop', imap.noop)
run('starttls', imap.starttls, ssl_context=tls)
run('login', imap.login, user, password)
run('namespace', imap.namespace)
run('enable', imap.enable, 'CONDSTORE')
run('id', imap.xatom, 'ID', '("name" "imaplib")')
results['id-untagged'] = text(imap.response('ID'))
run('create', imap.create, 'Py')
run('create-child', imap.create, 'Dir/Sub')
run('subscribe', imap.subscribe, 'Py')
run('list', imap.list)
run('list-pattern', imap.list, '""', 'Dir/%')
run('lsub', imap.lsub)
run('unsubscribe', imap.unsubscribe, 'Py')
run('rename', imap.rename, 'Dir/Sub', 'Dir/Renamed')
run('append', imap.append, 'INBOX', r'(\Seen $Py)', imaplib.Time2Internaldate(1704283200), MESSAGE)
results['append-code'] = text(imap.response('APPENDUID'))
run('status', imap.status, 'INBOX', '(MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)')
run('examine', imap.select, 'INBOX', readonly=True)
run('store-readonly', imap.store, '1', '+FLAGS', r'(\Deleted)')
run('select', imap.select, 'INBOX')
run('recent', imap.recent)
run('fetch', imap.fetch, '6', '(FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])')
run('search', imap.search, None, 'UNSEEN')
run('sort', imap.sort, '(SUBJECT)', 'UTF-8', 'ALL')
run('thread', imap.thread, 'ORDEREDSUBJECT', 'UTF-8', 'ALL')
run('store', imap.store, '1:2', '+FLAGS', r'(\Flagged)')
run('copy', imap.copy, '1:2', 'Py')
run('uid-fetch', imap.uid, 'FETCH', '6', '(FLAGS)')
run('uid-search', imap.uid, 'SEARCH', None, 'FLAGGED')
run('uid-store', imap.uid, 'STORE', '3', '+FLAGS', r'(\Deleted)')
run('uid-copy', imap.uid, 'COPY', '4', 'Py')
run('uid-move', imap.uid, 'MOVE', '5', 'Py')
run('uid-expunge', imap.uid, 'EXPUNGE', '3')
run('store-deleted', imap.store, '1', '+FLAGS', r'(\Deleted)')
run('expunge', imap.expunge)
run('check', imap.check)
run('unselect', imap.unselect)
run('select-py', imap.select, 'Py')
run('close', imap.close)
# Extensions imapd does not have: each must get a clean refusal (a NOOP in
# between keeps the run of BADs below the limit that ends the session).
for name, call, args in [
    ('getquota', imap.getquota, ('',)),
    ('getquotaroot', imap.getquotaroot, ('INBOX',)),
    ('setquota', imap.setquota, ('', '(STORAGE 10)')),
    ('getacl', imap.getacl, ('INBOX',)),
    ('setacl', imap.setacl, ('INBOX', 'other', 'lr')),
    ('deleteacl', imap.deleteacl, ('INBOX', 'other')),
    ('myrights', imap.myrights, ('INBOX',)),
    ('getannotation', imap.getannotation, ('INBOX', '"/comment"', '"value.priv"')),
    ('setannotation', imap.setannotation, ('INBOX', '"/comment"', '("value.priv" "x")')),
    ('proxyauth', imap.proxyauth, ('other',)),
]:
    run(name, call, *args)
    imap.noop()
run('select-partial', imap.select, 'INBOX')
run('partial', imap.partial, '1', 'BODY[]', '0', '10')
run('delete-child', imap.delete, 'Dir/Renamed')
run('delete', imap.delete, 'Py')
run('logout', imap.logout)

# The other ways in: CRAM-MD5 and AUTHENTICATE PLAIN (with SASL-IR).
second = imaplib.IMAP4('127.0.0.1', port)
second.starttls(ssl_context=tls)
run('login_cram_md5', second.login_cram_md5, user, password)
second.logout()
third = imaplib.IMAP4('127.0.0.1', port)
third.starttls(ssl_context=tls)
run('authenticate', third.authenticate, 'PLAIN', lambda challenge: b'\0' + user.encode() + b'\0' + password.encode())
third.logout()

print(json.dumps(results))
