// The demo mail store's contents: Berkeley mbox text for the INBOX and two
// folders, with the kinds of messages a real mailbox holds (plain text, a
// reply, MIME multipart with an attachment, an encoded non-ASCII subject).

interface DemoMessage {
  readonly from: string;
  readonly date: Date;
  readonly headers: readonly string[];
  readonly body: string;
}

function mbox(messages: readonly DemoMessage[]): string {
  return messages.map((message) => {
    const envelope = `From ${message.from} ${ctime(message.date)}`;
    const body = message.body.replace(/^(>*From )/gm, '>$1');
    return `${envelope}\n${message.headers.join('\n')}\n\n${body}\n`;
  }).join('');
}

/** The date in ctime(3) form, as the From_ line wants it (UTC). */
function ctime(date: Date): string {
  const [weekday = '', day = '', month = '', year = '', time = ''] = date.toUTCString().replace(',', '').split(' ');
  return `${weekday} ${month} ${day.replace(/^0/, ' ')} ${time} ${year}`;
}

const at = (iso: string): Date => new Date(iso);

export const INBOX = mbox([
  {
    from: 'alice@example.org',
    date: at('2024-03-04T09:12:00Z'),
    headers: [
      'Return-Path: <alice@example.org>',
      'From: Alice Liddell <alice@example.org>',
      'To: Demo User <demo@localhost>',
      'Subject: Welcome to the imapd demo',
      'Date: Mon, 4 Mar 2024 09:12:00 +0000',
      'Message-ID: <welcome-1@example.org>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=us-ascii',
    ],
    body: [
      'Hello,',
      '',
      'This mailbox is a Berkeley mbox file in demo/spool/demo, the way',
      '/var/mail/USER is on a real server. Every connection you make starts a',
      'fresh imapd or ipop3d process, exactly as inetd would.',
      '',
      'Try fetching, flagging and deleting messages; the file changes on disk.',
      '',
      '-- Alice',
    ].join('\n'),
  },
  {
    from: 'bob@example.net',
    date: at('2024-03-05T16:40:00Z'),
    headers: [
      'Return-Path: <bob@example.net>',
      'From: Bob <bob@example.net>',
      'To: demo@localhost',
      'Cc: alice@example.org',
      'Subject: Re: Welcome to the imapd demo',
      'Date: Tue, 5 Mar 2024 16:40:00 +0000',
      'Message-ID: <reply-2@example.net>',
      'In-Reply-To: <welcome-1@example.org>',
      'References: <welcome-1@example.org>',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
    ],
    body: [
      'Alice wrote:',
      '> Every connection you make starts a fresh imapd or ipop3d process',
      '',
      'On my side this works nicely with mutt and with curl.',
      'Grüße, Bob',
    ].join('\n'),
  },
  {
    from: 'reports@example.com',
    date: at('2024-03-06T07:00:00Z'),
    headers: [
      'Return-Path: <reports@example.com>',
      'From: "Build Server" <reports@example.com>',
      'To: demo@localhost',
      'Subject: =?UTF-8?Q?Nightly_report_=E2=80=94_all_green?=',
      'Date: Wed, 6 Mar 2024 07:00:00 +0000',
      'Message-ID: <report-3@example.com>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="demo-boundary-3"',
    ],
    body: [
      'This is a multi-part message in MIME format.',
      '',
      '--demo-boundary-3',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'All 412 tests passed =E2=80=94 the summary is attached.',
      '',
      '--demo-boundary-3',
      'Content-Type: text/csv; name="summary.csv"',
      'Content-Disposition: attachment; filename="summary.csv"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('suite,passed,failed\nunit,380,0\ninterop,32,0\n').toString('base64'),
      '',
      '--demo-boundary-3--',
    ].join('\n'),
  },
  {
    from: 'carol@example.org',
    date: at('2024-03-07T12:30:00Z'),
    headers: [
      'Return-Path: <carol@example.org>',
      'From: Carol <carol@example.org>',
      'To: demo@localhost',
      'Subject: Lunch on Friday?',
      'Date: Thu, 7 Mar 2024 12:30:00 +0000',
      'Message-ID: <lunch-4@example.org>',
      'Content-Type: text/plain; charset=us-ascii',
    ],
    body: 'Are you free for lunch on Friday at noon?\n\nCarol',
  },
]);

export const FOLDERS: Readonly<Record<string, string>> = {
  Archive: mbox([
    {
      from: 'alice@example.org',
      date: at('2023-12-20T10:00:00Z'),
      headers: [
        'From: Alice Liddell <alice@example.org>',
        'To: demo@localhost',
        'Subject: Holiday schedule',
        'Date: Wed, 20 Dec 2023 10:00:00 +0000',
        'Message-ID: <holiday-5@example.org>',
        'Status: RO',
      ],
      body: 'The office is closed from 24 December to 1 January.',
    },
  ]),
  Receipts: mbox([
    {
      from: 'shop@example.com',
      date: at('2024-01-15T18:22:00Z'),
      headers: [
        'From: Example Shop <shop@example.com>',
        'To: demo@localhost',
        'Subject: Your order 10042',
        'Date: Mon, 15 Jan 2024 18:22:00 +0000',
        'Message-ID: <order-10042@example.com>',
        'Status: RO',
      ],
      body: 'Thank you for your order 10042: 1 x USB cable, 4.99 EUR.',
    },
  ]),
};
