export function adversarialLines(): { name: string; line: string }[];
