// Words, sentences and names the generator composes mail from. The text is
// our own; each language comes with the charsets it is commonly sent in.

export interface Language {
  readonly name: string;
  /** Charsets this language's mail is sent in; the first is the most common. */
  readonly charsets: readonly string[];
  readonly sentences: readonly string[];
}

export const ENGLISH_WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they ' +
  'you were her she there been one all we their has would when if so no will more about out up them some could ' +
  'what into than its time only other new years these two may first then do any like my now over such our man me ' +
  'even most made after also did many before must through back where much your way down should because each just ' +
  'those people how too little state good very make world still own see men work long here get both between life ' +
  'being under never day same another know while last might us great old year off come since against go came right ' +
  'used take three server mailbox folder message invoice meeting schedule report budget quarter release patch build ' +
  'deploy review draft agenda minutes project customer support ticket backup restore network printer password ' +
  'account travel hotel flight lunch dinner weekend holiday garden weather family photos birthday invitation'
).split(' ');

export const LANGUAGES: readonly Language[] = [
  {
    name: 'french',
    charsets: ['iso-8859-1', 'utf-8'],
    sentences: [
      'La réunion de jeudi est déplacée à vendredi matin, après le café.',
      'Voici le compte rendu préparé hier soir, avec les remarques de Hélène.',
      'Les clés du local sont à l\'accueil ; merci de les rendre avant midi.',
      'Nous avons reçu la facture numéro 4512, elle sera réglée à échéance.',
      'Pourriez-vous vérifier les chiffres du trimestre avant la présentation ?',
      'Le déménagement du serveur aura lieu pendant le week-end de Pâques.',
    ],
  },
  {
    name: 'german',
    charsets: ['iso-8859-1', 'utf-8'],
    sentences: [
      'Die Besprechung am Donnerstag fällt aus, wir treffen uns nächste Woche.',
      'Anbei die überarbeitete Übersicht der Kosten für das zweite Quartal.',
      'Der Drucker im Büro braucht neuen Toner, ich kümmere mich darum.',
      'Grüße aus München, das Wetter ist schön und das Essen großartig.',
      'Bitte prüfe die Änderungen, bevor wir sie am Montag ausrollen.',
    ],
  },
  {
    name: 'russian',
    charsets: ['koi8-r', 'utf-8', 'windows-1251'],
    sentences: [
      'Встреча в четверг переносится на пятницу, в десять утра.',
      'Отправляю отчёт за квартал, посмотрите, пожалуйста, таблицу расходов.',
      'Сервер будет недоступен в субботу с полуночи до шести часов.',
      'Спасибо за письмо, отвечу подробнее, когда вернусь из командировки.',
      'Новый пароль придёт отдельным сообщением, не пересылайте его.',
    ],
  },
  {
    name: 'japanese',
    charsets: ['shift_jis', 'utf-8', 'euc-jp'],
    sentences: [
      '明日の会議は午後三時からに変更になりました。',
      '先週お願いした資料を添付いたしますので、ご確認ください。',
      'サーバーの保守作業のため、土曜日の夜は停止します。',
      'お世話になっております。見積書を再送いたします。',
      '来月の出張の日程について、ご相談させてください。',
    ],
  },
];

export interface Person {
  readonly display: string;
  readonly address: string;
}

export const PEOPLE: readonly Person[] = [
  { display: 'Alice Marsh', address: 'alice@example.org' },
  { display: 'Bob Okafor', address: 'bob.okafor@mail.example.com' },
  { display: 'Carol Nguyen', address: 'carol@lists.example.net' },
  { display: 'Dan Whitfield', address: 'dan@example.org' },
  { display: 'Erin Castillo', address: 'erin.c@corp.example.com' },
  { display: 'Frank Osei', address: 'fosei@example.edu' },
  { display: 'Grace Lindqvist', address: 'grace@example.se' },
  { display: 'Hélène Dubois', address: 'helene.dubois@example.fr' },
  { display: 'José Álvarez', address: 'jose@example.es' },
  { display: 'Jürgen Weiß', address: 'juergen.weiss@example.de' },
  { display: 'Ольга Петрова', address: 'olga@example.ru' },
  { display: 'Дмитрий Соколов', address: 'dmitry@example.ru' },
  { display: '山田 太郎', address: 'yamada@example.jp' },
  { display: '佐藤 花子', address: 'hanako.sato@example.co.jp' },
  { display: '', address: 'noreply@notifications.example.com' },
  { display: 'Build Robot', address: 'ci@build.example.com' },
];

export const MAILERS: readonly string[] = [
  'Mutt/2.2.12 (2023-09-09)',
  'Thunderbird 115.6.0',
  'Apple Mail (2.3774)',
  'Microsoft Outlook 16.0',
  'Roundcube Webmail/1.6.5',
  'Alpine 2.26 (DEB 8 2022-09-29)',
];

export const ATTACHMENT_TYPES: ReadonlyArray<{ readonly type: string; readonly extension: string }> = [
  { type: 'application/pdf', extension: 'pdf' },
  { type: 'image/jpeg', extension: 'jpg' },
  { type: 'image/png', extension: 'png' },
  { type: 'application/zip', extension: 'zip' },
  { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx' },
  { type: 'application/octet-stream', extension: 'bin' },
];
