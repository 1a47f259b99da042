-- Registering stores: checked with our codes; the webhook secret is kept only as HMAC keys, readable by
-- the owner only; a removed store keeps its ID; HMAC-SHA256 itself against RFC 4231.
begin;
select plan(16);

select sincro_tests.setup_company('C00001');
select sincro_tests.setup_company('C00002');

-- TEST: HMAC-SHA256 on sha256(): RFC 4231 test cases 1, 2 and 6 (a key longer than the block)
select is(encode(sincro_private.hmac_sha256(p.ipad, p.opad, convert_to('Hi There', 'UTF8')), 'hex'),
          'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7', 'RFC 4231 case 1')
from sincro_private.hmac_key_pads(decode(repeat('0b', 20), 'hex')) p;
select is(encode(sincro_private.hmac_sha256(p.ipad, p.opad, convert_to('what do ya want for nothing?', 'UTF8')), 'hex'),
          '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843', 'RFC 4231 case 2')
from sincro_private.hmac_key_pads(convert_to('Jefe', 'UTF8')) p;
select is(encode(sincro_private.hmac_sha256(p.ipad, p.opad, convert_to('Test Using Larger Than Block-Size Key - Hash Key First', 'UTF8')), 'hex'),
          '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54', 'RFC 4231 case 6 (131-byte key)')
from sincro_private.hmac_key_pads(decode(repeat('aa', 131), 'hex')) p;

-- TEST: a store is registered; the view shows it without keys, with its settings and defaults
select lives_ok($$ select sincro.store_add('woo1', 'C00001', 'woocommerce', 'a-long-secret', settings => '{"natura_zero_vat": "N3.1"}') $$, 'store added');
select results_eq($$ select store_id, azi, platform, id_int_prefix, settings ->> 'natura_zero_vat', settings ->> 'shipping_article' from sincro.stores $$,
                  $$ values ('woo1', 'C00001', 'woocommerce', '', 'N3.1', 'SPESE_TRASPORTO') $$, 'sincro.stores lists it with its settings and the defaults');
select hasnt_column('sincro', 'stores', 'hmac_ipad', 'the view has no key column');

-- TEST: refusals
select throws_ok($$ select sincro.store_add('woo 1', 'C00001', 'woocommerce', 'a-long-secret') $$, 'SY172', null, 'a store ID that cannot be in a URL: SY172');
select throws_ok($$ select sincro.store_add('x1', 'C00001', 'magento', 'a-long-secret') $$, 'SY172', null, 'an unknown platform: SY172');
select throws_ok($$ select sincro.store_add('x1', 'NOPE', 'shopify', 'a-long-secret') $$, 'SY100', null, 'an unknown company: SY100');
select throws_ok($$ select sincro.store_add('x1', 'C00001', 'shopify', 'short') $$, 'SY172', null, 'a secret under 8 characters: SY172');
select throws_ok($$ select sincro.store_add('x1', 'C00001', 'shopify', 'a-long-secret', settings => '{"shiping_article": "X"}') $$, 'SY172', null,
                 'an unknown setting (a typo): SY172');
select throws_ok($$ select sincro.store_add('x1', 'C00001', 'shopify', 'a-long-secret', api_url => 'https://x.myshopify.com') $$, 'SY172', null,
                 'an API URL without its token: SY172');
select throws_ok($$ select sincro.store_add('shop1', 'C00001', 'shopify', 'a-long-secret') $$, 'SY171', null,
                 'a second store of the company without its own id_int prefix: SY171');
select lives_ok($$ select sincro.store_add('shop1', 'C00001', 'shopify', 'a-long-secret', id_int_prefix => 'S-') $$, 'with a prefix it is added');

-- TEST: removed: keys wiped, the ID never reused, a second removal refused
select sincro.store_remove('shop1');
select results_eq($$ select hmac_ipad is null and hmac_opad is null and removed_at is not null from sincro_private.store where store_id = 'shop1' $$,
                  $$ values (true) $$, 'a removed store''s keys are wiped');
select throws_ok($$ select sincro.store_add('shop1', 'C00002', 'shopify', 'a-long-secret') $$, 'SY171', null, 'its ID is not reused: SY171');

select * from finish();
rollback;
