/**
 * Answers batched page requests (a DataLoader's batch) group by group: requests that share their
 * page arguments and filter are answered together by one statement, so a list of customers costs
 * one query per distinct argument set, not one per customer. Answers come back in request order.
 */
export async function pagesInGroups<Request, Page>(
  requests: readonly Request[],
  argumentsOf: (request: Request) => unknown,
  pagesOfGroup: (group: Request[]) => Promise<Page[]>,
): Promise<Page[]> {
  const groups = new Map<string, Request[]>();
  for (const request of requests) {
    const key = JSON.stringify(argumentsOf(request));
    const group = groups.get(key);
    if (group) group.push(request);
    else groups.set(key, [request]);
  }
  const pages = new Map<Request, Page>();
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const answered = await pagesOfGroup(group);
      group.forEach((request, i) => pages.set(request, answered[i]));
    }),
  );
  return requests.map((request) => pages.get(request)!);
}
