/**
 * Runs a statement again when Postgres chose it as a deadlock victim (it rolled back whole, so running it again
 * is safe): a send the platform accepted must not turn into a retry, which would send it twice.
 */
export async function retryOnDeadlock<T>(statement: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt >= attempts) throw error;
    }
  }
}
