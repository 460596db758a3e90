/**
 * The version of momento-chat.
 */
export const VERSION = '0.1.0';
