/** A repository name as the distribution spec allows it: path components of lower-case alphanumerics and separators. */
export const NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
