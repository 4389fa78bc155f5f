// The official Anthropic SDK through Switchboard: messages.stream with a tool, finalMessage().
// Prints the final message as JSON on stdout.
import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic({ baseURL: process.env.SWITCHBOARD_URL, apiKey: process.env.SWITCHBOARD_TOKEN, maxRetries: 0 });
const stream = client.messages.stream({
  model: process.env.SWITCHBOARD_MODEL,
  max_tokens: 1024,
  tools: [{
    name: 'get_weather',
    description: 'Current weather for a city',
    input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  }],
  messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
});
let textEvents = 0;
stream.on('text', () => { textEvents += 1; });
const message = await stream.finalMessage();
process.stdout.write(JSON.stringify({ message, textEvents }) + '\n');
