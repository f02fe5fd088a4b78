-- Neovim (0.7+) round trip with the standalone server: start `node dist/server.js --stdio` with the
-- built-in LSP client, open a fixture, wait for the diagnostics, ask for document symbols and folding.
-- Run: KOL_REPO=/path/to/repo nvim --headless -u NONE -c 'luafile test/editor/nvim/roundtrip.lua'
-- Prints one "ok"/"not ok" line per check and exits non-zero when any fails.
local repo = assert(os.getenv('KOL_REPO'), 'KOL_REPO not set')
local fixture = repo .. '/test-fixtures/editor/oops.dmesg'
local failures = 0

local function out(s) io.stdout:write(s .. '\n') end
local function check(name, cond, detail)
  if cond then out('ok - ' .. name) else failures = failures + 1; out('not ok - ' .. name .. (detail and (': ' .. detail) or '')) end
end
local function finish()
  out(string.format('# neovim %s: %d failed', tostring(vim.version and vim.version().minor and ('0.' .. vim.version().minor) or '?'), failures))
  vim.cmd(failures == 0 and 'qall!' or 'cquit 1')
end

local published = nil
local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    name = 'kernel-oops-lens',
    cmd = { 'node', repo .. '/dist/server.js', '--stdio' },
    root_dir = repo .. '/test-fixtures/editor',
    handlers = {
      ['textDocument/publishDiagnostics'] = function(e, result, ctx, config)
        if result and #result.diagnostics > 0 then published = result end
        return vim.lsp.diagnostic.on_publish_diagnostics(e, result, ctx, config)
      end,
    },
  })
  check('server started', client_id ~= nil)
  vim.cmd('edit ' .. fixture)
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, client_id)

  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local header, panic
  for i, l in ipairs(lines) do
    if not header and l:find('BUG: kernel NULL pointer dereference', 1, true) then header = i - 1 end
    if not panic and l:find('Kernel panic - not syncing', 1, true) then panic = i - 1 end
  end

  vim.wait(20000, function() return published ~= nil end, 50)
  check('diagnostics published', published ~= nil)
  if published then
    local oops, pan
    for _, d in ipairs(published.diagnostics) do
      if d.code == 'null-deref' then oops = d end
      if d.code == 'panic' then pan = d end
    end
    check('null-deref diagnostic at the BUG line', oops and oops.range.start.line == header,
      oops and ('line ' .. oops.range.start.line .. ', expected ' .. tostring(header)) or 'missing')
    check('error severity', oops and oops.severity == 1)
    check('message names the culprit', oops and oops.message:find('demo_queue_push', 1, true) ~= nil, oops and oops.message)
    check('panic diagnostic at its line', pan and pan.range.start.line == panic)
    check('neovim stored the diagnostics', #vim.diagnostic.get(buf) == #published.diagnostics)
  end

  local params = { textDocument = vim.lsp.util.make_text_document_params(buf) }
  local resp = vim.lsp.buf_request_sync(buf, 'textDocument/documentSymbol', params, 15000)
  local symbols = resp and resp[client_id] and resp[client_id].result
  check('document symbols returned', symbols and #symbols >= 2, vim.inspect(resp and resp[client_id] and resp[client_id].err))
  if symbols and symbols[1] then
    local first = symbols[1]
    check('first symbol is the oops', first.name:find('NULL pointer dereference', 1, true) ~= nil, first.name)
    local names = {}
    for _, c in ipairs(first.children or {}) do names[c.name] = true end
    check('oops symbol has a Call Trace child', names['Call Trace'] == true)
    check('oops symbol has a Registers child', names['Registers'] == true)
  end

  local fr = vim.lsp.buf_request_sync(buf, 'textDocument/foldingRange', params, 15000)
  local folds = fr and fr[client_id] and fr[client_id].result
  local report_folds = false
  for _, f in ipairs(folds or {}) do if f.startLine == header then report_folds = true end end
  check('the report folds', report_folds)

  local rsp
  for i, l in ipairs(lines) do if not rsp and l:find('RSP: 0018:', 1, true) then rsp = i - 1 end end
  local col = lines[rsp + 1]:find('RSP', 1, true)
  local hr = vim.lsp.buf_request_sync(buf, 'textDocument/hover', { textDocument = params.textDocument, position = { line = rsp, character = col } }, 15000)
  local hover = hr and hr[client_id] and hr[client_id].result
  local value = hover and hover.contents and (hover.contents.value or '') or ''
  check('hover on RSP explains the stack pointer', value:lower():find('stack pointer', 1, true) ~= nil, value:sub(1, 120))
  vim.lsp.stop_client(client_id)
end)
if not ok then failures = failures + 1; out('not ok - lua error: ' .. tostring(err)) end
finish()
