const UPSTREAM = "https://github.com/Alibaba-Quark/LiveAvatar";

/**
 * Where a citation can be read: an upstream issue thread, or the README at the commit it names. Field-report items and
 * files in this repository have no public address; they stay plain text.
 */
export const citeHref = (cite: string): string | null => {
  const issue = /github\.com\/Alibaba-Quark\/LiveAvatar\/issues\/(\d+)/.exec(cite);
  if (issue) return `${UPSTREAM}/issues/${issue[1]}`;
  const readme = /README @([0-9a-f]{7,40})/.exec(cite);
  if (readme) return `${UPSTREAM}/blob/${readme[1]}/README.md`;
  return null;
};
