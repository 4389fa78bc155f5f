// The official OpenAI client through Switchboard: a streamed chat completion with tool_calls.
// Prints what it assembled as JSON on stdout.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.SWITCHBOARD_URL + '/v1', apiKey: process.env.SWITCHBOARD_TOKEN, maxRetries: 0 });
const stream = await client.chat.completions.create({
  model: process.env.SWITCHBOARD_MODEL,
  stream: true,
  stream_options: { include_usage: true },
  tools: [{
    type: 'function',
    function: { name: 'get_weather', description: 'Current weather for a city',
                parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  }],
  messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
});
const calls = {};
let content = '';
let finishReason = null;
let usage = null;
for await (const chunk of stream) {
  if (chunk.usage) usage = chunk.usage;
  const choice = chunk.choices[0];
  if (!choice) continue;
  if (choice.delta?.content) content += choice.delta.content;
  for (const call of choice.delta?.tool_calls ?? []) {
    const entry = calls[call.index] ??= { id: '', name: '', arguments: '' };
    if (call.id) entry.id = call.id;
    if (call.function?.name) entry.name += call.function.name;
    if (call.function?.arguments) entry.arguments += call.function.arguments;
  }
  if (choice.finish_reason) finishReason = choice.finish_reason;
}
process.stdout.write(JSON.stringify({ content, calls: Object.values(calls), finishReason, usage }) + '\n');
