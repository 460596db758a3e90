// Runs the sides of a comparison in alternating rounds, the order rotated each round (AB, BA, AB… or
// ABC, BCA, CAB…), so that whatever the machine does meanwhile (GC of another side, the server's sweep,
// another process) lands on every side alike.

/**
 * @param {number} rounds
 * @param {Record<string, (round: number) => Promise<void>>} sides run in the order given in round 0
 */
export async function alternate(rounds, sides) {
  const names = Object.keys(sides);
  for (let round = 0; round < rounds; round++) {
    const order = names.length === 2 && round % 2 === 1 ? [...names].reverse() : names.map((_, i) => names[(i + round) % names.length]);
    for (const side of order) await sides[side](round);
  }
}
