// The moderation hook, shared by both ways of running the moderator (a watching process and a webhook
// handler): a profanity mask and a length rule. The hook sees what the sender claims (text, metadata,
// display name) and, in `context.sender.tokenId`, who really sent it. It accepts — perhaps with a new
// text — or rejects with a reason that the sender gets and every member of the room can read.

/**
 * @param maskedWords whole words, in any case, replaced by as many asterisks.
 * @param maxLength the longest text accepted, in characters.
 * @returns the `moderate` function of a `Moderator`.
 */
export function moderationRules({ maskedWords, maxLength }) {
  const escaped = maskedWords.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = escaped.length > 0 ? new RegExp(`\\b(?:${escaped.join('|')})\\b`, 'giu') : undefined;
  return (input) => {
    const length = [...input.text].length; // characters, not UTF-16 code units
    if (length > maxLength) return { action: 'reject', reason: `too long: ${length} characters, the limit is ${maxLength}` };
    const masked = pattern ? input.text.replace(pattern, (word) => '*'.repeat(word.length)) : input.text;
    return masked === input.text ? { action: 'accept' } : { action: 'accept', text: masked };
  };
}
